# kinesis-mock as a container: the HTTP server (`kinesis-mock serve`) on port 4567.
#
#   docker build -t kinesis-mock .
#   docker run --rm -p 127.0.0.1:4567:4567 kinesis-mock --stream orders:2
#
# Arguments after the image name are `kinesis-mock serve` options; every
# option is also a KINESIS_MOCK_* variable (`docker run -e KINESIS_MOCK_...`).
# PYTHON_IMAGE: another Python 3.10+ image on Debian (a mirror's, say).
ARG PYTHON_IMAGE=python:3.12-slim

# -- build: the project and the server extra in a virtual environment ----------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY pyproject.toml README.md LICENSE NOTICE ./
COPY kinesis_mock ./kinesis_mock
# Then out with what only installing needs (pip; setuptools, which a Python
# before 3.12 puts in a venv), and with the models of every AWS service that
# botocore ships but those of the Kinesis family, the only ones kinesis-mock
# loads (kinesis_mock/protocol/model.py): about 28 MB.
RUN python -m venv /opt/kinesis-mock \
 && /opt/kinesis-mock/bin/pip install ".[server]" \
 && /opt/kinesis-mock/bin/pip uninstall --yes pip setuptools \
 && find /opt/kinesis-mock/lib/python3*/site-packages/botocore/data -mindepth 1 -maxdepth 1 \
        -type d ! -name 'kinesis*' -exec rm -r {} + \
 && /opt/kinesis-mock/bin/kinesis-mock --version

# -- run: the environment alone, as a user without privileges -------------------
FROM ${PYTHON_IMAGE}
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin kinesis-mock \
 && install -d -o kinesis-mock -g kinesis-mock /var/lib/kinesis-mock
# For a server that keeps its state: -v kinesis-data:/var/lib/kinesis-mock
# -e KINESIS_MOCK_DATA_DIR=/var/lib/kinesis-mock (a new named volume takes
# this directory's owner, so the unprivileged user can write it).
COPY --from=build /opt/kinesis-mock /opt/kinesis-mock
# Every interface of the container: `docker run -p` decides who reaches it (the
# server's warning about listening beyond loopback is expected here). The admin
# API (/_kinesis_mock/: health, reset, faults, clock...) answers through the
# mapped port too; -e KINESIS_MOCK_ADMIN_ANYWHERE=false keeps it to loopback.
ENV PATH=/opt/kinesis-mock/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    KINESIS_MOCK_HOST=0.0.0.0 \
    KINESIS_MOCK_PORT=4567 \
    KINESIS_MOCK_ADMIN_ANYWHERE=true
USER kinesis-mock
EXPOSE 4567
# Healthy once the admin API's health answers, on KINESIS_MOCK_PORT, over HTTPS
# when KINESIS_MOCK_TLS or KINESIS_MOCK_CERTFILE is set (give those as variables,
# not flags, for the check to follow them). No curl in a slim image: urllib.
HEALTHCHECK --interval=3s --timeout=2s --start-period=30s --retries=3 CMD ["python", "-c", "\
import os, ssl, urllib.request; \
env = os.environ.get; \
tls = env('KINESIS_MOCK_TLS', '').lower() in ('1', 'true', 'yes', 'on') or bool(env('KINESIS_MOCK_CERTFILE')); \
url = ('https' if tls else 'http') + '://127.0.0.1:' + env('KINESIS_MOCK_PORT', '4567') + '/_kinesis_mock/health'; \
urllib.request.urlopen(url, timeout=2, context=ssl._create_unverified_context() if tls else None)"]
ENTRYPOINT ["kinesis-mock", "serve"]
