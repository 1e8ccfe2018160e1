"""How requests reach the engine: botocore's before-send event, ``requests``
through the ``responses`` library, and (later) an HTTP server."""
