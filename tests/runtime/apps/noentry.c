/* Exports a function, but neither _start nor main, and its manifest names no entry. */
__attribute__((export_name("other"))) int other(void)
{
    return 1;
}
