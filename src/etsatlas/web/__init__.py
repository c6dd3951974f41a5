"""The Django web layer: a thin shell over the pure-Python domain packages."""
