# Kansa — build, run and test. `make run` and `make test` set up a fresh
# Debian/Ubuntu machine themselves (they install missing system packages).

GO      ?= go
BIN     := bin
DIST    := dist
VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all run test deps build vet fmt-check unit smoke bench windows clean

all: build

deps: ## install missing system packages (Fyne cgo headers, Xvfb, fonts, poppler, mingw)
	@bash .ci/deps.sh

# The GUI is built with migrated_fynedo (FyneApp.toml: [Migrations] fyneDo):
# every widget update from other goroutines goes through fyne.Do, so Fyne's
# slow per-call thread checks (fyne#5689) are off.
build: deps ## build bin/kansa (GUI) and bin/kansactl (CLI, no cgo)
	$(GO) build -tags migrated_fynedo -ldflags "$(LDFLAGS)" -o $(BIN)/kansa ./cmd/kansa
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/kansactl ./cmd/kansactl

run: build ## start the GUI (the first start offers a demo engagement)
	./$(BIN)/kansa

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# -timeout: the race detector makes the 500-seed sync convergence test and
# the GUI tests slow on a 2-core machine; 10 minutes (go's default) is
# too close for comfort.
unit:
	$(GO) test -race -count=1 -timeout 30m ./...

smoke: build
	bash .ci/smoke.sh $(BIN)/kansa $(BIN)/smoke.png

test: deps fmt-check vet unit smoke ## everything CI checks, except the Windows build

bench: ## the speed targets of the foundation issue, the field GUI (issue 3) and sync (issue 6)
	$(GO) test -run '^$$' -bench DurableEdit -benchtime 3000x ./internal/workspace/
	$(GO) test -run '^$$' -bench 'OpenAndRead|Rebuild' -benchtime 10x ./internal/workspace/
	$(GO) test -run '^$$' -bench . ./internal/vault/ ./internal/blob/
	$(GO) test -run '^$$' -bench . -benchtime 5x ./internal/xlsx/
	$(GO) test -run '^$$' -bench 'SyncNoop|SyncIncremental' -benchtime 10x ./internal/workspace/
	KANSA_BENCH_MB=500 $(GO) test -run '^$$' -bench SyncFirstPull -benchtime 1x -timeout 30m ./internal/workspace/
	$(GO) test -run '^$$' -bench Import100Photos12MP -benchtime 1x -timeout 30m ./internal/workspace/
	$(GO) test -tags migrated_fynedo -run '^$$' -bench 'OpenAudit1000|SwitchItem|TypeIntoLongProposal' ./ui/
	KANSA_UI_PHOTOS=100 $(GO) test -tags migrated_fynedo -run '^$$' -bench ImportUIThread -benchtime 1x -timeout 30m ./ui/

windows: deps ## cross-compile dist/kansa.exe and dist/kansactl.exe with mingw-w64
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build -tags migrated_fynedo -ldflags "-H=windowsgui $(LDFLAGS)" -o $(DIST)/kansa.exe ./cmd/kansa
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -ldflags "$(LDFLAGS)" -o $(DIST)/kansactl.exe ./cmd/kansactl
	@file $(DIST)/kansa.exe $(DIST)/kansactl.exe
	@bash .ci/pe-imports.sh $(DIST)/kansa.exe

clean:
	rm -rf $(BIN) $(DIST)
