"""`make bench`: one run on one broker, timed honestly (see BENCH.md)."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
