/*
 * pager: which page links the list shows. People asked where they are and how to jump
 * (issue 19): the pager always offers the first and the last page, the pages next to
 * the current one, and "…" for the runs in between, at most PAGER_MAX_ITEMS entries so
 * it fits a phone in one or two lines. Pure arithmetic, no markup: pages_users.c renders
 * the plan, and tests check the plan without a page.
 */
#ifndef FRONTEND_PAGER_H
#define FRONTEND_PAGER_H

/* first, gap, current-1, current, current+1, gap, last */
#define PAGER_MAX_ITEMS 7
#define PAGER_GAP       0 /* an item that is "…", not a page */

struct pager {
	long long page;  /* the current page, 1 to pages */
	long long pages; /* how many pages there are (at least 1) */
	int pages_exact; /* 0: "pages" is a lower bound (a search counted only so far) */
	long long items[PAGER_MAX_ITEMS];
	int nitems;
};

/* How many pages `total` items fill at `page_size` a page: at least 1 (an empty list is
 * one empty page). */
long long pager_pages(long long total, long long page_size);

/* Plans the links for `page` of `pages`. When pages_exact is 0 the last page is not
 * known: the plan ends with a gap after the last page it can name, and the list links
 * no "last". `page` past `pages` is the caller's to refuse (the list redirects it to the
 * last page); here it is treated as the last page. */
void pager_plan(struct pager *p, long long page, long long pages, int pages_exact);

#endif
