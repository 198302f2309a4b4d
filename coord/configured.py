"""Settings a service reads when it starts: from its nameko config, else the environment,
else a default; nameko's timer with its interval taken from such a setting; and settings
objects made once from the config."""
import os

from nameko.extensions import DependencyProvider
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


class Configured(DependencyProvider):
    """`settings_class.from_config(config)`, made once when the service starts and given
    to every worker."""

    def __init__(self, settings_class):
        self.settings_class = settings_class

    def setup(self):
        self.settings = self.settings_class.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings
