/* Appended to the generated 100 KB module (--export-all exports every
 * function by name) so that it is an app: an entry "run" (manifest entry), and an event handler
 * that keeps it RUNNING. */
int run(void)
{
    return 0;
}

void on_event(int type, int a, int b, int c)
{
    (void)type, (void)a, (void)b, (void)c;
}
