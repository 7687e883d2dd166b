"""Sample sets and scorers for scripts/bench/strength. Run through that script.

  strength.py generate OUT_DIR         writes weak.txt, strong-passphrases.txt, strong-random.txt
  strength.py zxcvbn FILE              one score (0-4) per line, for zxcvbn and zxcvbn-dutch
  strength.py pwquality FILE           "ok" or "fail" per line, through libpwquality (as pwscore)
  strength.py table RESULTS.json       prints the comparison table
  strength.py startup WACHTER WORK     start-up: check-password against --version, passwd against mkpasswd
  strength.py contexts WACHTER WORK POLICY N   one check-password process per context over the sets

Honesty notes for the sample sets:
- Wachter ships zxcvbn's leaked-password list (policies/wordlists/passwords.txt) as
  its blocklist. The weak set therefore does NOT use that list: its leaked-style
  passwords come from John the Ripper's password.lst (Debian john-data), a different
  source. Many of the same passwords are in both, as in any two such lists; zxcvbn
  knows its own list too, so that overlap helps both equally.
- Words for the weak set (words + years, l33t, names) come from Debian's wamerican
  and wdutch word lists, which Wachter does not ship.
- The strong passphrases also use wamerican words; random 14-character strings use
  the 94 printable ASCII characters. Everything uses one fixed seed.
"""
import json
import random
import re
import sys
import time

SEED = 20261126
WEAK_PER_KIND = 1700


def read_words(path, pattern):
    words = []
    with open(path, encoding="utf-8", errors="ignore") as f:
        for line in f:
            w = line.strip()
            if re.fullmatch(pattern, w):
                words.append(w)
    return sorted(set(words))


LEET = {"a": ["4", "@"], "e": ["3"], "i": ["1", "!"], "o": ["0"], "s": ["5", "$"], "t": ["7"], "l": ["1"], "g": ["9"]}
QWERTY = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
AZERTY = ["azertyuiop", "qsdfghjklm", "wxcvbn"]
SUFFIXES = ["", "1", "12", "123", "!", "1!", "01", "2024", "2025", "007", "99"]


def leet(word, rng):
    out = []
    for c in word:
        if c in LEET and rng.random() < 0.6:
            out.append(rng.choice(LEET[c]))
        else:
            out.append(c)
    return "".join(out)


def cap(word, rng):
    r = rng.random()
    if r < 0.5:
        return word.capitalize()
    if r < 0.6:
        return word.upper()
    return word


def walk(rng):
    layout = rng.choice([QWERTY, AZERTY])
    kind = rng.random()
    if kind < 0.5:
        row = rng.choice(layout)
        n = rng.randint(5, len(row))
        start = rng.randint(0, len(row) - n)
        base = row[start:start + n]
    elif kind < 0.8 and layout is QWERTY:
        # Columns: 1qaz2wsx3edc ...
        cols = rng.randint(2, 4)
        base = "".join(QWERTY[0][c] + QWERTY[1][c] + QWERTY[2][c] + QWERTY[3][c] for c in range(cols))
    else:
        base = rng.choice(layout[1:]) [:rng.randint(4, 6)] + rng.choice(["123", "1234", "!", ""])
    if rng.random() < 0.3:
        base = base.capitalize()
    return base + rng.choice(["", "", "1", "!", "123"])


def generate(out_dir):
    rng = random.Random(SEED)
    john = []
    with open("/usr/share/john/password.lst", encoding="latin-1") as f:
        for line in f:
            if line.startswith("#!comment") or not line.strip():
                continue
            john.append(line.rstrip("\n"))
    english = read_words("/usr/share/dict/american-english", r"[a-z]{4,9}")
    names = read_words("/usr/share/dict/american-english", r"[A-Z][a-z]{3,8}")
    dutch = read_words("/usr/share/dict/nederlands", r"[a-z]{4,10}")
    weak = []
    weak += rng.sample(john, min(WEAK_PER_KIND, len(john)))
    for _ in range(WEAK_PER_KIND):  # English words with years or digits
        weak.append(cap(rng.choice(english), rng) + rng.choice([str(rng.randint(1950, 2026))] + SUFFIXES))
    for _ in range(WEAK_PER_KIND):  # Dutch words with years or digits
        weak.append(cap(rng.choice(dutch), rng) + rng.choice([str(rng.randint(1950, 2026))] + SUFFIXES))
    for _ in range(WEAK_PER_KIND):  # l33t words
        weak.append(cap(leet(rng.choice(english + dutch), rng), rng) + rng.choice(SUFFIXES))
    for _ in range(WEAK_PER_KIND):  # keyboard walks on qwerty and azerty
        weak.append(walk(rng))
    for _ in range(WEAK_PER_KIND):  # names with years and dates
        name = rng.choice(names)
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2024)
        weak.append(name + rng.choice([str(y), "%02d%02d%d" % (d, m, y), "%02d%02d%02d" % (d, m, y % 100), "!" + str(y)]))
    phrase_words = read_words("/usr/share/dict/american-english", r"[a-z]{3,8}")
    passphrases = [" ".join(rng.choice(phrase_words) for _ in range(4)) for _ in range(5000)]
    alphabet = [chr(c) for c in range(33, 127)]
    randoms = ["".join(rng.choice(alphabet) for _ in range(14)) for _ in range(5000)]
    for name, items in (("weak.txt", weak), ("strong-passphrases.txt", passphrases), ("strong-random.txt", randoms)):
        with open("%s/%s" % (out_dir, name), "w", encoding="utf-8") as f:
            for p in items:
                f.write(p + "\n")
    print("weak %d, passphrases %d, random %d" % (len(weak), len(passphrases), len(randoms)))


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f]


def score_zxcvbn(path):
    import zxcvbn
    passwords = lines(path)
    if hasattr(zxcvbn, "zxcvbn"):
        fn = lambda p: zxcvbn.zxcvbn(p)["score"]
    else:
        fn = lambda p: zxcvbn.password_strength(p)["score"]
    start = time.perf_counter()
    scores = [fn(p) for p in passwords]
    elapsed = time.perf_counter() - start
    sys.stdout.write("\n".join(str(s) for s in scores) + "\n")
    sys.stderr.write("seconds %f\n" % elapsed)


def score_pwquality(path):
    import pwquality
    settings = pwquality.PWQSettings()
    settings.read_config()
    passwords = lines(path)
    out = []
    start = time.perf_counter()
    for p in passwords:
        try:
            settings.check(p)
            out.append("ok")
        except pwquality.PWQError:
            out.append("fail")
    elapsed = time.perf_counter() - start
    sys.stdout.write("\n".join(out) + "\n")
    sys.stderr.write("seconds %f\n" % elapsed)


def table(path):
    results = json.load(open(path))
    print("| scorer | weak rejected | passphrases accepted | random-14 accepted | passwords/s |")
    print("|---|---|---|---|---|")
    for r in results:
        print("| %s | %.1f%% | %.1f%% | %.1f%% | %s |" % (
            r["name"], 100 * r["weak_rejected"], 100 * r["passphrases_accepted"], 100 * r["random_accepted"],
            "{:,.0f}".format(r["per_second"])))


def median_ms(samples):
    samples = sorted(samples)
    return 1000 * samples[len(samples) // 2]


def timed(argv, data, env=None):
    import subprocess
    start = time.perf_counter()
    subprocess.run(argv, input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def startup(wachter, work, rounds=21):
    """Interleaves the runs (A B A B ...) so that load from other work hits both alike."""
    import os
    import subprocess
    policy = os.path.join(work, "bench-startup.toml")
    version, check = [], []
    for _ in range(rounds):
        version.append(timed([wachter, "--version"], b""))
        check.append(timed([wachter, "policy", "check-password", "--policy", policy], b"pw\n"))
    v, c = median_ms(version), median_ms(check)
    print("start-up: wachter --version %.1f ms, echo pw | wachter policy check-password %.1f ms: %.1f ms more "
          "(goal <= 30; medians of %d interleaved runs)" % (v, c, c - v, rounds))
    # passwd on one mailbox of a fresh store against mkpasswd -m yescrypt, same passwords.
    store = os.path.join(work, "startup-store", "wachter.sqlite")
    subprocess.run(["rm", "-rf", os.path.dirname(store)], check=True)
    env = dict(os.environ, WACHTER_STORE=store, WACHTER_POLICY=policy)
    rng = random.Random(SEED)
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"

    def fresh():
        return "".join(rng.choice(alphabet) for _ in range(24)).encode() + b"\n"

    subprocess.run([wachter, "init"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([wachter, "customer", "add", "bench", "--name", "Bench Klant"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([wachter, "account", "add", "post@bench.example", "--kind", "mailbox", "--customer", "bench",
                    "--password-stdin"], input=fresh(), env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    passwd, mkpasswd = [], []
    for _ in range(rounds):
        password = fresh()
        passwd.append(timed([wachter, "passwd", "post@bench.example", "--password-stdin"], password, env))
        mkpasswd.append(timed(["mkpasswd", "-s", "-m", "yescrypt"], password))
    p, m = median_ms(passwd), median_ms(mkpasswd)
    print("passwd: wachter passwd %.1f ms, mkpasswd -m yescrypt %.1f ms: %.2fx (goal <= 1.2; medians of %d "
          "interleaved runs; history = 0, so passwd hashes once: no reuse check, not even of the current password)"
          % (p, m, p / m, rounds))


def contexts(wachter, work, policy, count):
    """Splits the three sets into `count` parts, one context word each, and starts
    one check-password process per part, as a hook or a script per account would."""
    import os
    import subprocess
    passwords = []
    for name in ("weak.txt", "strong-passphrases.txt", "strong-random.txt"):
        passwords += lines(os.path.join(work, name))
    size = (len(passwords) + count - 1) // count
    start = time.perf_counter()
    for k in range(count):
        part = passwords[k * size:(k + 1) * size]
        subprocess.run([wachter, "policy", "check-password", "--policy", policy, "--account",
                        "info@klant%d.example" % k, "--context", "Klant %d B.V." % k],
                       input=("\n".join(part) + "\n").encode(), stdout=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - start
    print("%f" % (len(passwords) / elapsed))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "generate":
        generate(sys.argv[2])
    elif command == "zxcvbn":
        score_zxcvbn(sys.argv[2])
    elif command == "pwquality":
        score_pwquality(sys.argv[2])
    elif command == "table":
        table(sys.argv[2])
    elif command == "startup":
        startup(sys.argv[2], sys.argv[3])
    elif command == "contexts":
        contexts(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
