#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and answers its prompts, as a person would.

usage: dialogue.py [--timeout S] PROMPT... -- COMMAND [ARG...]

Each PROMPT is a regular expression; when the command's output matches the next one,
the next line of standard input is typed as the answer (so passwords come from a pipe,
never from the command line). Then it waits for the command to end, prints everything
the command wrote to the terminal, and exits with the command's status; 98 when a
prompt never came (the command ended or timed out first).
"""
import sys

import pexpect


def main() -> int:
    args = sys.argv[1:]
    timeout = 60.0
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    if "--" not in args:
        print(__doc__, file=sys.stderr)
        return 64
    split = args.index("--")
    prompts, command = args[:split], args[split + 1 :]
    answers = [sys.stdin.readline().rstrip("\n") for _ in prompts]
    child = pexpect.spawn(command[0], command[1:], timeout=timeout, encoding="utf-8", echo=False)
    transcript = []
    status = 0
    for prompt, answer in zip(prompts, answers):
        index = child.expect([prompt, pexpect.EOF, pexpect.TIMEOUT])
        transcript.append(child.before + (child.after if index == 0 else ""))
        if index != 0:
            print(f"dialogue: the prompt /{prompt}/ never came", file=sys.stderr)
            status = 98
            break
        child.sendline(answer)
    if status == 0:
        child.expect([pexpect.EOF, pexpect.TIMEOUT])
        transcript.append(child.before)
    child.close(force=True)
    sys.stdout.write("".join(transcript).replace("\r\n", "\n"))
    if status == 0:
        status = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
