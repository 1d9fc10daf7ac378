/*
 * pager: see pager.h. The window is the current page and one on each side; a gap of a
 * single page is shown as that page rather than "…" (a "…" that hides one number saves
 * nothing and reads as more).
 */
#include "pager.h"

long long pager_pages(long long total, long long page_size)
{
	if (total <= 0 || page_size <= 0)
		return 1;
	return (total + page_size - 1) / page_size;
}

static void add(struct pager *p, long long item)
{
	if (p->nitems < PAGER_MAX_ITEMS)
		p->items[p->nitems++] = item;
}

void pager_plan(struct pager *p, long long page, long long pages, int pages_exact)
{
	if (pages < 1)
		pages = 1;
	if (page < 1)
		page = 1;
	if (page > pages)
		page = pages;
	p->page = page;
	p->pages = pages;
	p->pages_exact = pages_exact;
	p->nitems = 0;

	long long lo = page - 1 < 1 ? 1 : page - 1;
	long long hi = page + 1 > pages ? pages : page + 1;
	/* Show 1 and 2 rather than 1 … 3 when only one page would hide in the gap. */
	if (lo == 3)
		lo = 2;
	if (hi == pages - 2)
		hi = pages - 1;

	if (lo > 1) {
		add(p, 1);
		if (lo > 2)
			add(p, PAGER_GAP);
	}
	for (long long n = lo; n <= hi; n++)
		add(p, n);
	if (!pages_exact) {
		add(p, PAGER_GAP);
		return;
	}
	if (hi < pages) {
		if (hi < pages - 1)
			add(p, PAGER_GAP);
		add(p, pages);
	}
}
