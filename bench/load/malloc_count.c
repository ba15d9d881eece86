/* LD_PRELOAD=libbench_malloc_count.so CMD: counts malloc, calloc and realloc calls of CMD (every
 * thread) and writes the total to the file named by $MALLOC_COUNT_FILE when it exits. A
 * benchmark runs a client twice with different request counts: the difference of the totals
 * divided by the difference of the counts is the allocations per request in steady state. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_ulong calls;
static void* (*real_malloc)(size_t);
static void* (*real_calloc)(size_t, size_t);
static void* (*real_realloc)(void*, size_t);

/* dlsym may call calloc itself: a small static arena answers until the real one is known. */
static char arena[4096];
static size_t arena_used;

static void* arena_alloc(size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (arena_used + n > sizeof arena) return NULL;
  void* p = arena + arena_used;
  arena_used += n;
  return p;
}

static void init(void) {
  real_malloc = (void* (*)(size_t))dlsym(RTLD_NEXT, "malloc");
  real_calloc = (void* (*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
  real_realloc = (void* (*)(void*, size_t))dlsym(RTLD_NEXT, "realloc");
}

void* malloc(size_t n) {
  if (!real_malloc) init();
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  return real_malloc(n);
}

void* calloc(size_t n, size_t size) {
  if (!real_calloc) {
    static int initializing;
    if (initializing) return arena_alloc(n * size);
    initializing = 1;
    init();
    initializing = 0;
  }
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  return real_calloc(n, size);
}

void* realloc(void* p, size_t n) {
  if (!real_realloc) init();
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  return real_realloc(p, n);
}

void free(void* p) {
  static void (*real_free)(void*);
  if ((char*)p >= arena && (char*)p < arena + sizeof arena) return;
  if (!real_free) real_free = (void (*)(void*))dlsym(RTLD_NEXT, "free");
  real_free(p);
}

__attribute__((destructor)) static void report(void) {
  const char* path = getenv("MALLOC_COUNT_FILE");
  if (!path) return;
  FILE* f = fopen(path, "w");
  if (!f) return;
  fprintf(f, "%lu\n", atomic_load(&calls));
  fclose(f);
}
