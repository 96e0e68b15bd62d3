/* Names for graft's error codes (include/graft/error.h). */
#include <graft/error.h>
#include <graft/module.h>

const char *graft_strerror(int err)
{
	switch (err) {
	case GRAFT_OK:
		return "success";
#define GRAFT_ERR_CASE(name, num, text) \
	case name:                      \
		return text;
		GRAFT_ERRORS(GRAFT_ERR_CASE)
#undef GRAFT_ERR_CASE
	}
	return "unknown error";
}
GRAFT_EXPORT(graft_strerror);
