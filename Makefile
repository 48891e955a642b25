# csms: `make run` and `make test` do everything on a fresh Debian 12 machine.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
ARGS ?=

.PHONY: all deps build run dev test bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR) -j $(JOBS)

# The server on 127.0.0.1:8080 with its SQLite database in ./data.
run: build
	$(BUILD_DIR)/csmsd --data-dir data $(ARGS)

# In-memory database and fixed credentials (admin/admin, project 0123456789abcdef0123456789abcdef).
dev: build
	$(BUILD_DIR)/csmsd --dev $(ARGS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
