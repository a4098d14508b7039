"""Built-in data: the two-sine series of the RNN forecasting chapter."""

from ._two_sines import generate_time_series, load_two_sines

__all__ = ["generate_time_series", "load_two_sines"]
