"""Readers and writers: every file districtlab reads or writes goes through here."""

from districtlab.io.toml import dump_scenario, load_scenario_file, parse_scenario, save_scenario

__all__ = ["dump_scenario", "load_scenario_file", "parse_scenario", "save_scenario"]
