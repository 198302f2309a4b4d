"""Settings a service reads when it starts: from its nameko config, else the environment,
else a default; and nameko's timer with its interval taken from such a setting."""
import os

from nameko.timer import Timer


def setting(config, key, default):
    value = config.get(key)
    if value is None:
        value = os.environ.get(key)
    return default if value is None else value


class ConfiguredTimer(Timer):
    """nameko's timer, its interval (seconds) read from a setting when the service starts."""

    def __init__(self, setting_key, default, **kwargs):
        self.setting_key = setting_key
        self.default = default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(setting(self.container.config, self.setting_key, self.default))
        super().setup()


configured_timer = ConfiguredTimer.decorator
