"""The web page and HTTP API (``cplaw serve``; needs the ``web`` extra: pip install "cplaw[web]")."""
