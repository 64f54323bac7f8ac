/*
 * fuzz_ctl.c - the control protocol's request parser on arbitrary lines.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*cmd, *why;
	json_t		*req;

	req = ctl_parse_request((const char *)data, size, &cmd, &why);
	if (req != NULL) {
		/* what the daemon reads of a request */
		(void)json_string_value(json_object_get(req, "target"));
		(void)json_integer_value(json_object_get(req, "since"));
		(void)json_integer_value(json_object_get(req, "limit"));
		if (cmd == NULL || strlen(cmd) > 17)
			__builtin_trap();
		json_decref(req);
	} else if (why == NULL)
		__builtin_trap();
	return 0;
}
