# The README's two commands are `make demo` and `make test`; everything else is a building block.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install models demo test lint typecheck unit eval train-applies train-kinds train-stance valueeval bench bench-smoke clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch is installed first, pinned, so that nothing later can pull a CUDA build.
install: $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'

models: install
	$(BIN)/python -m nlp.build_onnx --out models

demo: models
	$(BIN)/saydo audit corpora/northwind/docs --framework corpora/northwind/framework.yaml \
	    --manifest corpora/northwind/manifest.csv --json report.json --html report.html --markdown report.md

lint:
	$(BIN)/ruff check nlp service tests bench
	$(BIN)/ruff format --check nlp service tests bench
	$(BIN)/mypy

unit:
	$(BIN)/pytest

test: models lint unit bench-smoke

# The trained models (models/tenet-applies.json, value-stance.json, document-kind.json, tracked
# in git) learn from the gold labels of the development corpora; victor and whiskey are held out
# of training (and of all tuning) on purpose.
DEV_CORPORA = corpora/northwind corpora/larkspur corpora/quarry corpora/delta corpora/echo \
	corpora/foxtrot corpora/golf corpora/hotel corpora/india corpora/juliet corpora/kilo \
	corpora/lima corpora/mike corpora/november corpora/oscar corpora/papa corpora/quebec \
	corpora/romeo corpora/sierra corpora/tango corpora/uniform
HELD_OUT_CORPORA = corpora/victor corpora/whiskey

eval: models
	for c in $(DEV_CORPORA) $(HELD_OUT_CORPORA); do $(BIN)/saydo eval $$c || exit 1; done

train-applies: models
	$(BIN)/python -m nlp.train_applies $(DEV_CORPORA)

train-stance: models
	$(BIN)/python -m nlp.train_stance $(DEV_CORPORA)

train-kinds: models
	$(BIN)/python -m nlp.train_kinds $(DEV_CORPORA)

valueeval: models
	$(BIN)/python -m nlp.valueeval --data ../shared/data/valueeval

bench: models
	$(BIN)/python -m bench.run

bench-smoke: models
	$(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache report.* .saydo
