# Thin wrapper over scripts/qkv.
.PHONY: run test cli build docker-check bench

run:
	./scripts/qkv run

test:
	./scripts/qkv test

cli:
	./scripts/qkv cli

build:
	./scripts/qkv build

docker-check:
	./scripts/docker-check.sh

bench:
	./scripts/qkv build && bench/compare.sh
