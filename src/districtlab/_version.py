"""The installed version, at the bottom of the layers so that any module may record it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("districtlab")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
