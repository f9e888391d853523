"""Self-contained HTML reports: figures embedded as data URIs, inline CSS, no network needed to view."""

from districtlab.report.demo import write_demo_report
from districtlab.report.embed import figure_png, png_data_uri, save_figure

__all__ = ["figure_png", "png_data_uri", "save_figure", "write_demo_report"]
