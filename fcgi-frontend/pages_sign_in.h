/*
 * pages_sign_in: editors sign in and out, and the frontend's two dispatcher hooks for
 * who is asking (http.h):
 *
 *   GET  /sign-in?next=      the form (name, password; a link to single sign-on
 *                            when SSO=1)
 *   POST /sign-in            the backend checks the password and makes a session;
 *                            the session cookie is set, and the editor goes back to
 *                            next (a path on this site only)
 *   GET  /sign-in/sso?next=  behind nginx's auth_request: a session for the editor
 *                            the authenticating proxy named (SSO=1)
 *   GET  /sign-out           a button (signing out is a POST with a CSRF token, so
 *                            another site cannot sign an editor out)
 *   POST /sign-out           the backend forgets the session; the cookie is deleted
 *
 * frontend_authenticate reads the signed session cookie (session_cookie.h) on every
 * request — no backend call — and makes the backend client act for that editor;
 * frontend_unauthenticated sends a visitor who opens an editors' page to sign in, and
 * back there after.
 */
#ifndef FRONTEND_PAGES_SIGN_IN_H
#define FRONTEND_PAGES_SIGN_IN_H

#include "http.h"

enum { SIGN_IN_NEXT };
extern const struct input_def sign_in_show_in[];
void page_sign_in(struct request *r, void *svc);
void page_sign_in_sso(struct request *r, void *svc);

enum { SIGN_IN_POST_NAME, SIGN_IN_POST_PASSWORD, SIGN_IN_POST_NEXT };
extern const struct input_def sign_in_post_in[];
void page_sign_in_post(struct request *r, void *svc);

void page_sign_out(struct request *r, void *svc);
void page_sign_out_post(struct request *r, void *svc);

int frontend_authenticate(struct request *r, void *svc);
void frontend_unauthenticated(struct request *r, void *svc);

/* The backend no longer knows the editor's session (signed out elsewhere, expired,
 * disabled): forget the cookie and go to sign in, back to this page after. */
void page_sign_in_again(struct request *r);

/* "/sign-in?next=<where r is>" into buf: the current page for a GET, else the page
 * the form was on when there is one, else "/". */
void sign_in_link(const struct request *r, char *buf, size_t cap);

#endif
