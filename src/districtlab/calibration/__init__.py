"""Calibration: fit the model to adoption data with ABC-SMC (pyabc), and predict with the posterior."""
