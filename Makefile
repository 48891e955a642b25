# csms: `make run` and `make test` do everything on a fresh Debian 12 machine.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
# The sanitizer build of `make test` (ASan + UBSan, -O1): its own directory, never the main one.
# A unity build (CMAKE_UNITY_BUILD: eight sources compiled as one), which halves its compile time:
# the instantiations every file shares are compiled once per batch instead of once per file. The
# cost is that two files' file-local names must not collide; `make test` shows it when they do.
ASAN_DIR ?= build-asan
SANITIZE ?= address,undefined
JOBS ?= $(shell nproc)
ARGS ?=
# Extra cmake arguments, e.g. CMAKE_ARGS=-DCSMS_WERROR=ON (what .ci/run passes).
CMAKE_ARGS ?=
FORMAT_FILES = $(shell git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h' 'fuzz/*.cc' 'fuzz/*.h')

.PHONY: all deps build build-asan run dev test test-main test-asan bench fuzz format format-check clean package

all: build

# The installer runs once per content of scripts/install-deps.sh, not on every build: the stamp's
# name carries the script's hash, so editing the script (a new package) runs it again.
DEPS_STAMP := $(BUILD_DIR)/.deps-$(shell sha256sum scripts/install-deps.sh | cut -c1-16)
$(DEPS_STAMP):
	@scripts/install-deps.sh
	@mkdir -p $(BUILD_DIR) && rm -f $(BUILD_DIR)/.deps-* && touch $@

deps: $(DEPS_STAMP)

# Configured once per (BUILD_TYPE, CMAKE_ARGS): changing either reconfigures the same directory.
CONFIG_KEY := $(shell echo '$(BUILD_TYPE) $(CMAKE_ARGS)' | sha256sum | cut -c1-16)
CONFIG_STAMP := $(BUILD_DIR)/.configured-$(CONFIG_KEY)
$(CONFIG_STAMP): $(DEPS_STAMP)
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)
	@rm -f $(BUILD_DIR)/.configured-* && touch $@

build: $(CONFIG_STAMP)
	ninja -C $(BUILD_DIR) -j $(JOBS)

ASAN_STAMP := $(ASAN_DIR)/.configured-$(shell echo 'unity $(SANITIZE) $(CMAKE_ARGS)' | sha256sum | cut -c1-16)
$(ASAN_STAMP): $(DEPS_STAMP)
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
	  -DCSMS_SANITIZE=$(SANITIZE) -DCSMS_BUILD_BENCH=OFF -DCSMS_TEST_POSTGRES_SUITE=OFF -DCMAKE_UNITY_BUILD=ON $(CMAKE_ARGS)
	@rm -f $(ASAN_DIR)/.configured-* && touch $@

build-asan: $(ASAN_STAMP)
	ninja -C $(ASAN_DIR) -j $(JOBS)

# The server on 127.0.0.1:8080 with its SQLite database in ./data.
run: build
	$(BUILD_DIR)/csmsd --data-dir data $(ARGS)

# In-memory database and the fixed development credentials of README.md.
dev: build
	$(BUILD_DIR)/csmsd --dev $(ARGS)

# Formatting, then every test in the normal build, then again under AddressSanitizer +
# UndefinedBehaviorSanitizer.
test: format-check test-main test-asan

test-main: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

# sdk_compat is left out here: it checks the wire format against the official Node SDK, which
# the sanitizers do not change, and its npm install would double the run's network time.
# The two HttpConnectionLimits tests are left out too: they run csmsd out of descriptors on
# purpose, and UBSan's vptr check then reports valid objects (Boost's error categories, Beast's
# operations) as "invalid vptr", because its memory probe needs a free descriptor; the normal
# build runs them. openapi_lint too: it lints a text file,
# no csmsd involved. tests/lsan.supp names the
# third-party libraries whose process-lifetime memory LeakSanitizer would report.
test-asan: build-asan
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j $(JOBS) --timeout 300 -E '^(sdk_compat|openapi_lint|HttpConnectionLimits\..*)$$'

# The Debian package build/csms_<version>_<arch>.deb (cmake/packaging.cmake; docs/running.md
# "Installing the Debian package"): stripped binaries of this build, the systemd unit, the config.
package: build
	cd $(BUILD_DIR) && cpack -G DEB

bench: build
	@scripts/install-deps.sh --bench
	bench/run.sh $(BUILD_DIR)

# libFuzzer (clang-14) on every parser of untrusted input, FUZZ_SECONDS each (docs/fuzzing.md); `make
# test` replays their corpora without clang.
FUZZ_SECONDS ?= 60
fuzz: $(DEPS_STAMP)
	@scripts/install-deps.sh --fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) scripts/fuzz.sh

format:
	clang-format-14 -i $(FORMAT_FILES)

format-check: $(DEPS_STAMP)
	@clang-format-14 --dry-run -Werror $(FORMAT_FILES)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) build-fuzz
