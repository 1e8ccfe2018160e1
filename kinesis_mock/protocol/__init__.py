"""Wire formats driven by botocore's service models: routing, parsing,
validation and rendering of requests, responses and errors."""
