"""The instrument catalogue agrees with the configuration types and the model's delivery."""

from __future__ import annotations

import importlib

from districtlab.config import INSTRUMENTS
from districtlab.config.instruments import INSTRUMENT_CATALOGUE, INSTRUMENT_LABELS
from districtlab.config.programme import InstrumentDesign, InstrumentShares
from districtlab.model import CHANNELS
from districtlab.model.instruments import DELIVERY_ORDER


def _resolve(dotted: str) -> object:
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)


def test_every_instrument_has_a_share_a_label_and_priced_units() -> None:
    assert tuple(instrument.name for instrument in INSTRUMENT_CATALOGUE) == INSTRUMENTS
    assert set(InstrumentShares.model_fields) == set(INSTRUMENTS)
    for instrument in INSTRUMENT_CATALOGUE:
        assert INSTRUMENT_LABELS[instrument.name] == instrument.label
        assert set(instrument.cost_fields) <= set(InstrumentDesign.model_fields), instrument.name
        assert instrument.channel is None or instrument.channel in CHANNELS


def test_the_catalogue_names_the_model_s_delivery_functions_in_their_order() -> None:
    for instrument in INSTRUMENT_CATALOGUE:
        assert _resolve(instrument.delivery) is not None
    delivered = [f"{function.__module__}.{function.__name__}" for function in DELIVERY_ORDER]
    in_catalogue = [i.delivery for i in INSTRUMENT_CATALOGUE if i.delivery in delivered]
    assert in_catalogue == delivered
