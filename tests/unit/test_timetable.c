/*
 * test_timetable.c - the heap keeps order under puts, moves and removes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "timetable.h"

#define N	10000

static void
test_order(void **state)
{
	static struct timetable_item items[N];
	struct timetable	 t;
	struct timetable_item	*it;
	int64_t			 last = -1;
	int			 i, n = 0;

	(void)state;
	timetable_init(&t);
	srandom(42);
	for (i = 0; i < N; i++) {
		timetable_item_init(&items[i], &items[i]);
		assert_int_equal(timetable_put(&t, &items[i], random() % 100000), 0);
	}
	/* move some earlier, some later, remove some */
	for (i = 0; i < N; i += 7)
		timetable_put(&t, &items[i], random() % 100000);
	for (i = 3; i < N; i += 11)
		timetable_remove(&t, &items[i]);
	assert_int_equal(timetable_queued(&items[3]), 0);
	assert_null(timetable_pop_due(&t, -1));
	while ((it = timetable_pop_due(&t, INT64_MAX)) != NULL) {
		assert_true(it->due >= last);
		last = it->due;
		n++;
	}
	assert_int_equal(n, N - (N - 3 + 10) / 11);
	timetable_free(&t);
}

static void
test_fifo(void **state)
{
	struct timetable_item	 a, b, c;
	struct timetable	 t;

	(void)state;
	timetable_init(&t);
	timetable_item_init(&a, NULL);
	timetable_item_init(&b, NULL);
	timetable_item_init(&c, NULL);
	timetable_put(&t, &a, 5);
	timetable_put(&t, &b, 5);
	timetable_put(&t, &c, 9);
	timetable_put(&t, &c, 0);	/* probe-now: to the front */
	assert_ptr_equal(timetable_pop_due(&t, 10), &c);
	assert_ptr_equal(timetable_pop_due(&t, 10), &a);
	assert_ptr_equal(timetable_pop_due(&t, 10), &b);
	assert_null(timetable_peek(&t));
	timetable_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_fifo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
