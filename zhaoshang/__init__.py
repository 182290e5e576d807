"""Zhaoshang (招商): the system investment-promotion offices run their work on."""
