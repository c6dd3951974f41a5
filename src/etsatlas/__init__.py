"""ETS Atlas: knowledge base, prices, market simulator and linking assessment for emissions trading systems."""

__version__ = "0.1.0"
