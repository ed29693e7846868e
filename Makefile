# confluence-km — `make demo` and `make test` work on a fresh Debian machine with the Swift toolchain.
SWIFT       ?= swift
APT_PACKAGES = libarchive-dev libxml2-dev libcmark-gfm-dev pkg-config zip unzip libxml2-utils cmark-gfm gzip zstd openssl chromium libjs-highlight.js time
DEMO_EXPORT  = Fixtures/exports/acme-site
DEMO_ZIP     = .build/demo/acme-site.zip
DEMO_BUNDLE  = demo-bundle

.PHONY: all deps deps-py build demo test test-asan fuzz bench-data bench clean

all: build

# Installs the Debian packages that are missing (root or sudo).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Python tools the tests use: MkDocs with Material and pymdown-extensions builds the mkdocs flavour in --strict mode.
deps-py:
	@python3 -c "import mkdocs, material, pymdownx" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check mkdocs mkdocs-material pymdown-extensions

build: deps
	$(SWIFT) build

# Converts the sample export shipped in Fixtures/ and prints where the bundle is.
demo: build
	@mkdir -p $(dir $(DEMO_ZIP))
	@rm -f $(DEMO_ZIP)
	@cd $(DEMO_EXPORT) && zip -qrX $(CURDIR)/$(DEMO_ZIP) attachments entities.xml exportDescriptor.properties
	@.build/debug/confluence-km convert $(DEMO_ZIP) --output $(DEMO_BUNDLE) --force
	@echo "bundle: $(CURDIR)/$(DEMO_BUNDLE)"
	@.build/debug/confluence-km convert $(DEMO_ZIP) --output $(DEMO_BUNDLE)-mkdocs --flavor mkdocs --force -q
	@echo "the same as a MkDocs site: mkdocs serve -f $(CURDIR)/$(DEMO_BUNDLE)-mkdocs/mkdocs.yml  (pip install mkdocs-material)"

test: build deps-py
	CKM_BIN=$(CURDIR)/.build/debug/confluence-km $(SWIFT) test

# Benchmarks (BENCHMARKS.md): generated exports, then convert vs the floor, best of 3. BENCH_SCALE=1 adds 5 GB.
bench-data: deps
	bash scripts/bench-data.sh

bench: bench-data
	@dpkg -s time bc >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time bc >/dev/null)
	$(SWIFT) build -c release
	bash scripts/bench.sh

# The whole test suite under AddressSanitizer (its own build folder).
test-asan: deps deps-py
	$(SWIFT) build --scratch-path .build-asan -Xswiftc -sanitize=address
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp CKM_SANITIZED=1 CKM_BIN=$(CURDIR)/.build-asan/debug/confluence-km \
	  $(SWIFT) test --scratch-path .build-asan -Xswiftc -sanitize=address

# libFuzzer on the body converter, the wiki-markup reader, the entities reader, the archive reader, the URL judge, apply and the preview site
# writer, FUZZ_SECONDS each (FUZZ_TARGETS picks some: e.g. FUZZ_TARGETS="url:FuzzURL").
# Crashes are written to Fuzz/regressions/<target>/, which the test suite replays.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= body:FuzzBody wiki:FuzzWiki entities:FuzzEntities archive:FuzzArchive url:FuzzURL apply:FuzzApply preview:FuzzPreview
fuzz: deps
	for t in $(FUZZ_TARGETS); do \
	  CKM_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --product $${t##*:} -Xswiftc -sanitize=fuzzer,address || exit 1; \
	done
	python3 scripts/fuzz-seeds.py .build-fuzz/corpus
	for t in $(FUZZ_TARGETS); do \
	  dir=$${t%%:*}; exe=$${t##*:}; \
	  mkdir -p .build-fuzz/corpus/$$dir-run Fuzz/regressions/$$dir; \
	  .build-fuzz/debug/$$exe .build-fuzz/corpus/$$dir-run .build-fuzz/corpus/$$dir -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=20 -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1 \
	    -artifact_prefix=Fuzz/regressions/$$dir/ 2>&1 | tail -25 || exit 1; \
	done

clean:
	rm -rf .build $(DEMO_BUNDLE) $(DEMO_BUNDLE)-mkdocs
