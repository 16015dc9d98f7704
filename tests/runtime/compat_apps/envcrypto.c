/* Upstream's crypto_* (docs/compat.md "Crypto") on the standards' test vectors and with
 * bad arguments; results logged as `name: value`, outputs as `name = hex` for
 * test_compat_env_e2e.py to check (the signatures with openssl). */
#include "up_env_conn.h"

int memcmp(const void *a, const void *b, unsigned long n);

/* a line each 50 ms: within the app log's rate (20 lines a second after a burst) */
#define R(name, expr) (printf("%s: %d\n", name, (int)(expr)), delay(50000))
/* 8 bytes before the end of memory (upstream places its app heap past the page) */
#define END ((void *)(__builtin_wasm_memory_size(0) * 65536 - 8))

static unsigned char out[256], out2[256], seed[32], pub[65], sig[64], priv[32];
static char hex[600];

static int unhex(const char *s, unsigned char *o)
{
    int n = 0;
    for (; s[0] && s[1]; s += 2) {
        int hi = s[0] <= '9' ? s[0] - '0' : s[0] - 'a' + 10;
        int lo = s[1] <= '9' ? s[1] - '0' : s[1] - 'a' + 10;
        o[n++] = (unsigned char)(hi << 4 | lo);
    }
    return n;
}

/* `name = hex`, 32 bytes a line (`name_p1 = ...` for the next: the log cuts long lines) */
static void show(const char *name, const unsigned char *p, int n)
{
    static const char d[] = "0123456789abcdef";
    for (int part = 0; part * 32 < n; part++) {
        int k = n - part * 32 < 32 ? n - part * 32 : 32;
        for (int i = 0; i < k; i++) {
            hex[2 * i] = d[p[part * 32 + i] >> 4];
            hex[2 * i + 1] = d[p[part * 32 + i] & 15];
        }
        hex[2 * k] = 0;
        if (part)
            printf("%s_p%d = %s\n", name, part, hex);
        else
            printf("%s = %s\n", name, hex);
        delay(50000);
    }
}

/* NIST SP 800-38A, F.2.5 / F.2.6 (CBC-AES256) and F.5.5 (CTR-AES256) */
static const char *key_hex = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
static const char *iv_hex = "000102030405060708090a0b0c0d0e0f";
static const char *ctr_hex = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char *pt_hex = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                            "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
/* RFC 8032 7.1 TEST 2: secret key (seed) and message */
static const char *ed_seed_hex = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";

static unsigned char k65[65];
static unsigned char key[32], iv[16], ctr[16], pt[64], ct[64];

int main(void)
{
    unhex(key_hex, key);
    unhex(iv_hex, iv);
    unhex(ctr_hex, ctr);
    unhex(pt_hex, pt);
    /* SHA-256 (FIPS 180-2 examples) */
    R("sha256", crypto_sha256("abc", 3, out));
    show("sha256_abc", out, 32);
    R("sha256_empty", crypto_sha256("", 0, out));
    show("sha256_empty", out, 32);
    R("sha256_56",
      crypto_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out));
    show("sha256_56", out, 32);
    R("sha256_null", crypto_sha256(0, 3, out));
    R("sha256_out_null", crypto_sha256("abc", 3, 0));
    R("sha256_out_end", crypto_sha256("abc", 3, END)); /* 32 bytes do not fit: -EFAULT */
    /* HMAC-SHA256 (RFC 4231 cases 1 and 2) */
    unsigned char k20[20];
    memset(k20, 0x0b, 20);
    R("hmac1", crypto_hmac_sha256(k20, 20, "Hi There", 8, out));
    show("hmac1", out, 32);
    R("hmac2", crypto_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out));
    show("hmac2", out, 32);
    R("hmac_key_64", crypto_hmac_sha256(k65, 64, "x", 1, out));
    R("hmac_key_65", crypto_hmac_sha256(k65, 65, "x", 1, out));
    R("hmac_key_0", crypto_hmac_sha256("k", 0, "x", 1, out));
    R("hmac_out_end", crypto_hmac_sha256("k", 1, "x", 1, END));
    /* AES-256-CBC */
    R("cbc_enc", crypto_aes256_encrypt(key, iv, pt, 64, ct));
    show("cbc_ct", ct, 64);
    R("cbc_dec", crypto_aes256_decrypt(key, iv, ct, 64, out));
    R("cbc_roundtrip", memcmp(out, pt, 64) == 0);
    show("cbc_iv_after", iv, 16); /* the app's IV is not changed */
    R("cbc_len_15", crypto_aes256_encrypt(key, iv, pt, 15, ct));
    R("cbc_len_0", crypto_aes256_encrypt(key, iv, pt, 0, ct));
    R("cbc_dec_len_17", crypto_aes256_decrypt(key, iv, pt, 17, ct));
    R("cbc_key_null", crypto_aes256_encrypt(0, iv, pt, 16, ct));
    R("cbc_iv_end", crypto_aes256_encrypt(key, END, pt, 16, ct));
    R("cbc_out_end", crypto_aes256_decrypt(key, iv, pt, 16, END));
    /* AES-256-CTR */
    R("ctr", crypto_aes256_ctr(key, ctr, pt, 64, ct));
    show("ctr_ct", ct, 64);
    R("ctr_back", crypto_aes256_ctr(key, ctr, ct, 64, out));
    R("ctr_roundtrip", memcmp(out, pt, 64) == 0);
    R("ctr_odd", crypto_aes256_ctr(key, ctr, pt, 5, out));
    show("ctr_odd", out, 5);
    R("ctr_len_0", crypto_aes256_ctr(key, ctr, pt, 0, out));
    R("ctr_nonce_end", crypto_aes256_ctr(key, END, pt, 16, out));
    /* random */
    memset(out, 0, 64);
    memset(out2, 0, 64);
    R("random", crypto_random(out, 32));
    R("random2", crypto_random(out2, 32));
    R("random_differs", memcmp(out, out2, 32) != 0);
    R("random_0", crypto_random(out, 0));
    R("random_null", crypto_random(0, 4));
    /* Ed25519 */
    unhex(ed_seed_hex, seed);
    unsigned char m72 = 0x72;
    R("ed_sign_vector", crypto_ed25519_sign(seed, &m72, 1, sig));
    show("ed_sig_vector", sig, 64);
    R("ed_keygen", crypto_ed25519_keygen(seed, pub));
    show("ed_seed", seed, 32);
    show("ed_pub", pub, 32);
    R("ed_sign", crypto_ed25519_sign(seed, "hello upstream", 14, sig));
    show("ed_sig", sig, 64);
    R("ed_sign_len_0", crypto_ed25519_sign(seed, "x", 0, sig));
    R("ed_sign_sig_end", crypto_ed25519_sign(seed, "x", 1, END));
    R("ed_keygen_null", crypto_ed25519_keygen(0, pub));
    R("ed_keygen_pub_end", crypto_ed25519_keygen(seed, END));
    /* P-256 */
    R("p256_keygen", crypto_p256_keygen(priv, pub));
    show("p256_pub", pub, 65);
    R("p256_sign", crypto_p256_sign(priv, "hello upstream", 14, sig));
    show("p256_sig", sig, 64);
    R("p256_sign_len_0", crypto_p256_sign(priv, "x", 0, sig));
    memset(priv, 0, 32);
    R("p256_sign_zero_key", crypto_p256_sign(priv, "x", 1, sig));
    memset(priv, 0xff, 32);
    R("p256_sign_big_key", crypto_p256_sign(priv, "x", 1, sig));
    R("p256_keygen_pub_end", crypto_p256_keygen(priv, END));
    R("p256_sign_null", crypto_p256_sign(0, "x", 1, sig));
    printf_native("crypto done");
    /* a range out of memory: upstream's engine traps, and so does this firmware */
    crypto_sha256((void *)0x7FFFFFF0, 16, out);
    printf_native("not reached");
    return 0;
}
