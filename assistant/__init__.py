"""RESV-assistent: grounded answers about RESV documents and first-pass review of RESV-plans.

Importing this package loads no model and opens no index; see `assistant.service.Assistant`.
"""

__version__ = "0.1.0"
