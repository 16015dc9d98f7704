/*
 * Test tool: sign an upstream AkiraOS .akpkg's members as this firmware checks them
 * (docs/compat.md, "Package signatures"): a fresh Ed25519 key pair, the Ed25519ph
 * signature of app.wasm followed by the ".akira.manifest" custom section holding
 * manifest.json.
 *
 *   compat_akpkg_sign APP.wasm MANIFEST.json SIG_OUT
 *
 * Writes the 64-byte signature to SIG_OUT and prints the public key (64 hex digits,
 * what `keys add NAME HEX` takes). Exit 0, or 1 with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <akira/compat.h>
#include <akira/package.h>
#include <akira/trust.h>

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "compat_akpkg_sign: cannot read %s\n", path);
        exit(1);
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    if (n == cap) {
        fprintf(stderr, "compat_akpkg_sign: %s is too large\n", path);
        exit(1);
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: compat_akpkg_sign APP.wasm MANIFEST.json SIG_OUT\n");
        return 1;
    }
    static uint8_t mod[1u << 20], json[8192];
    size_t n = slurp(argv[1], mod, sizeof mod - sizeof json - 64);
    size_t nj = slurp(argv[2], json, sizeof json);
    n = akira_package_section_put(mod, n, AKIRA_COMPAT_MANIFEST_SECTION, json, nj);
    uint8_t pub[AKIRA_PKG_PUBKEY_LEN], sk[AKIRA_PKG_SECKEY_LEN], pay[AKIRA_PKG_SIG_PAYLOAD_LEN];
    if (akira_package_keygen(pub, sk) || akira_package_sign(mod, n, sk, pay)) {
        fprintf(stderr, "compat_akpkg_sign: no Ed25519 in this build\n");
        return 1;
    }
    FILE *f = fopen(argv[3], "wb");
    if (!f || fwrite(pay + AKIRA_PKG_KEY_ID_LEN, 1, AKIRA_PKG_SIG_LEN, f) != AKIRA_PKG_SIG_LEN ||
        fclose(f) != 0) {
        fprintf(stderr, "compat_akpkg_sign: cannot write %s\n", argv[3]);
        return 1;
    }
    char hex[2 * AKIRA_PKG_PUBKEY_LEN + 1];
    akira_trust_pub_to_hex(pub, hex);
    printf("%s\n", hex);
    return 0;
}
