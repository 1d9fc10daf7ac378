/*
 * pool_scoreboard: the shared memory the master and every worker read and write
 * (php-fpm's fpm_scoreboard.c). One anonymous MAP_SHARED mapping made before the
 * first fork: pool-wide counters (atomics) and one slot per worker. Twice as many
 * slots as WORKERS, because during a rolling reload the old generation finishes its
 * requests while the new one already serves.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "pool_internal.h"

static size_t sb_size(int nslots)
{
	return sizeof(struct scoreboard) + (size_t)nslots * sizeof(struct sb_slot);
}

struct scoreboard *pool_sb_create(const struct pool_config *cfg, const char *pool_name)
{
	int nslots = 2 * cfg->max_children;
	struct scoreboard *sb = mmap(NULL, sb_size(nslots), PROT_READ | PROT_WRITE,
	                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sb == MAP_FAILED)
		return NULL;
	memset(sb, 0, sb_size(nslots));
	snprintf(sb->pool, sizeof sb->pool, "%s", pool_name);
	sb->pm = (enum pm_style)cfg->pm;
	sb->start_time = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &sb->start_mono);
	sb->nslots = nslots;
	return sb;
}

void pool_sb_destroy(struct scoreboard *sb)
{
	if (sb)
		munmap(sb, sb_size(sb->nslots));
}

struct sb_slot *pool_sb_find(struct scoreboard *sb, pid_t pid)
{
	for (int i = 0; i < sb->nslots; i++)
		if (sb->slots[i].pid == pid && atomic_load(&sb->slots[i].state) != SLOT_FREE)
			return &sb->slots[i];
	return NULL;
}

struct sb_slot *pool_sb_free_slot(struct scoreboard *sb)
{
	for (int i = 0; i < sb->nslots; i++)
		if (atomic_load(&sb->slots[i].state) == SLOT_FREE)
			return &sb->slots[i];
	return NULL;
}

void pool_sb_write_begin(struct sb_slot *s)
{
	atomic_fetch_add_explicit(&s->seq, 1, memory_order_acq_rel);
}

void pool_sb_write_end(struct sb_slot *s)
{
	atomic_fetch_add_explicit(&s->seq, 1, memory_order_acq_rel);
}

void pool_sb_read_slot(const struct sb_slot *s, struct sb_slot *out)
{
	for (int tries = 0; tries < 1000; tries++) {
		unsigned before = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (before & 1u)
			continue; /* a write is under way */
		memcpy(out, s, sizeof *out);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_acquire) == before)
			break;
	}
	out->method[sizeof out->method - 1] = '\0';
	out->uri[sizeof out->uri - 1] = '\0';
}

void pool_sb_note_max(atomic_uint *max, unsigned v)
{
	unsigned cur = atomic_load(max);
	while (v > cur && !atomic_compare_exchange_weak(max, &cur, v))
		;
}

void pool_sb_counts(struct scoreboard *sb, int *idle, int *active, int *total)
{
	*idle = *active = *total = 0;
	for (int i = 0; i < sb->nslots; i++) {
		int st = atomic_load(&sb->slots[i].state);
		if (st == SLOT_FREE)
			continue;
		(*total)++;
		if (st == SLOT_IDLE || st == SLOT_STARTING)
			(*idle)++;
		else
			(*active)++;
	}
}

long pool_ms_since(const struct timespec *mono)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - mono->tv_sec) * 1000 + (now.tv_nsec - mono->tv_nsec) / 1000000;
}
