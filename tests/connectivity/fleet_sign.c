/* Test helper (Ed25519 with libsodium, since Debian's python3 has no pynacl):
 *   fleet_sign pub SEED64        prints the public key of the seed, 64 hex digits
 *   fleet_sign sign SEED64       prints the detached signature of stdin, 128 hex digits
 * SEED64: the 32-byte seed as hex (tests use fixed seeds). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

static int seed_of(const char *hex, unsigned char seed[32])
{
    size_t n = 0;
    return strlen(hex) == 64 && sodium_hex2bin(seed, 32, hex, 64, NULL, &n, NULL) == 0 && n == 32
               ? 0
               : -1;
}

int main(int argc, char **argv)
{
    unsigned char seed[32], pk[32], sk[64];
    if (sodium_init() < 0 || argc != 3 || seed_of(argv[2], seed)) {
        fprintf(stderr, "usage: fleet_sign pub|sign SEED64 (message on stdin for sign)\n");
        return 2;
    }
    crypto_sign_seed_keypair(pk, sk, seed);
    char hex[129];
    if (!strcmp(argv[1], "pub")) {
        printf("%s\n", sodium_bin2hex(hex, sizeof(hex), pk, 32));
        return 0;
    }
    if (strcmp(argv[1], "sign")) return 2;
    static unsigned char msg[1 << 16];
    size_t len = fread(msg, 1, sizeof(msg), stdin);
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, msg, len, sk);
    printf("%s\n", sodium_bin2hex(hex, sizeof(hex), sig, 64));
    return 0;
}
