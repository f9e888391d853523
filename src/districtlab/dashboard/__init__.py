"""The policy lab: a Streamlit app for co-design workshops (``districtlab lab``).

Pages only lay out widgets and results; every number comes from the public API
(:func:`districtlab.simulate`, :mod:`districtlab.experiments`,
:mod:`districtlab.evidence`), every figure from :mod:`districtlab.viz`. The pure
parts (:mod:`.design`, :mod:`.runs`) import no Streamlit and are tested on their own.
"""

from pathlib import Path

#: The app's entry point, for ``streamlit run``.
APP = Path(__file__).with_name("app.py")

__all__ = ["APP"]
