/* invoke: a freestanding module (no WASI) whose exports --invoke calls with arguments
 * parsed by their parameter types. */
#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("add") int add(int a, int b)
{
    return a + b;
}

EXPORT("mul64") long long mul64(long long a, long long b)
{
    return a * b;
}

EXPORT("fdiv") double fdiv(double a, double b)
{
    return a / b;
}

EXPORT("half") float half(float x)
{
    return x * 0.5f;
}

EXPORT("idiv") int idiv(int a, int b)
{
    return a / b;
}

EXPORT("answer") int answer(void)
{
    return 42;
}
