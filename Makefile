.PHONY: run test bench assets build

run:
	go run ./cmd/hotline serve --demo

test:
	bash scripts/test.sh

bench:
	go test -run '^$$' -bench . -benchmem ./...

assets:
	bash scripts/assets.sh

build:
	go build -o bin/hotline ./cmd/hotline
