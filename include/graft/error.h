/*
 * graft's one error space.  Every fallible call in the kernel, the libraries
 * and the platform returns 0 on success or one of these negative codes;
 * results go out through pointers.  graft_strerror() names a code.
 *
 * The list is an X-macro so that the enum and the names cannot drift apart.
 */
#ifndef GRAFT_ERROR_H
#define GRAFT_ERROR_H

#define GRAFT_ERRORS(X)                                                    \
	X(GRAFT_EINVAL, 1, "invalid argument")                             \
	X(GRAFT_ENOMEM, 2, "out of memory")                                \
	X(GRAFT_ENOENT, 3, "no such entry")                                \
	X(GRAFT_EEXIST, 4, "already exists")                               \
	X(GRAFT_EIO, 5, "input/output error")                              \
	X(GRAFT_EAGAIN, 6, "try again")                                    \
	X(GRAFT_ETIMEDOUT, 7, "timed out")                                 \
	X(GRAFT_ENOSPC, 8, "no space left")                                \
	X(GRAFT_EROFS, 9, "read-only")                                     \
	X(GRAFT_EBUSY, 10, "busy")                                         \
	X(GRAFT_ENOTSUP, 11, "not supported")                              \
	X(GRAFT_ERANGE, 12, "out of range")                                \
	X(GRAFT_EFORMAT, 13, "malformed input")                            \
	X(GRAFT_EABI, 14, "ABI mismatch")                                  \
	X(GRAFT_ENOSYM, 15, "symbol not found")                            \
	X(GRAFT_EPERM, 16, "not permitted")                                \
	X(GRAFT_ESEALED, 17, "instance is sealed")                         \
	X(GRAFT_EISDIR, 18, "is a directory")                              \
	X(GRAFT_ENOTDIR, 19, "not a directory")                            \
	X(GRAFT_ENOTEMPTY, 20, "directory not empty")                      \
	X(GRAFT_ENAMETOOLONG, 21, "name too long")                         \
	X(GRAFT_EBADF, 22, "bad handle")                                   \
	X(GRAFT_ECONNREFUSED, 23, "connection refused")                    \
	X(GRAFT_ECONNRESET, 24, "connection reset")                        \
	X(GRAFT_ENOTCONN, 25, "not connected")                             \
	X(GRAFT_EADDRINUSE, 26, "address in use")                          \
	X(GRAFT_EHOSTUNREACH, 27, "host unreachable")                      \
	X(GRAFT_EMSGSIZE, 28, "message too long")                          \
	X(GRAFT_ETRAP, 29, "trapped")                                      \
	X(GRAFT_ECANCELED, 30, "canceled")                                 \
	X(GRAFT_ECLOSED, 31, "closed by peer")

enum graft_err {
	GRAFT_OK = 0,
#define GRAFT_ERR_ENUM(name, num, text) name = -(num),
	GRAFT_ERRORS(GRAFT_ERR_ENUM)
#undef GRAFT_ERR_ENUM
};

/*
 * graft_strerror - the text for an error code.
 * Accepts 0, any negative code above, or anything else ("unknown error").
 * Returns a static string; never NULL.
 */
const char *graft_strerror(int err);

#endif
