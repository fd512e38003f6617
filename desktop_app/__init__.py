"""AfterSales Assist (售后助手): an offline workstation for Chinese e-commerce after-sales agents.

Layers (each imports only the ones below it): ``ui`` -> ``services`` -> ``nlp`` | ``store``;
``domain`` and ``config`` are plain Python used by all of them. Qt lives only in ``ui``.
"""

__version__ = "0.1.0"
