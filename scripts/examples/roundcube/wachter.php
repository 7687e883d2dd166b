<?php

/**
 * Wachter password driver for Roundcube's password plugin.
 *
 * Runs `wachter hook change-password` and writes the account, the current password
 * and the new password to its standard input, one per line, so that no password
 * appears in a command line. Install as plugins/password/drivers/wachter.php.
 *
 * Exit status of the hook (docs/PAM.md): 0 changed; 1 current password wrong or
 * account locked; 2 refused by the policy (the reason is on stderr); 3 changed but
 * the cache flush failed; 64 bad input; 75 temporary failure.
 */
class rcube_wachter_password
{
    public function save($currpass, $newpass, $username)
    {
        $rcmail = rcmail::get_instance();
        $cmd = $rcmail->config->get('password_wachter_cmd',
            '/usr/local/bin/wachter hook change-password --agent /run/wachter/agent.sock');

        $pipes = [];
        $process = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            return PASSWORD_CONNECT_ERROR;
        }
        fwrite($pipes[0], $username . "\n" . $currpass . "\n" . $newpass . "\n");
        fclose($pipes[0]);
        stream_get_contents($pipes[1]);
        $message = trim(stream_get_contents($pipes[2]));
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);

        switch ($status) {
            case 0:
                return PASSWORD_SUCCESS;
            case 3:
                rcube::raise_error(['code' => 600, 'file' => __FILE__, 'line' => __LINE__,
                    'message' => "Password plugin: $message"], true, false);
                return PASSWORD_SUCCESS;
            case 1:
                return ['code' => PASSWORD_ERROR, 'message' => $message];
            case 2:
                return ['code' => PASSWORD_CONSTRAINT_VIOLATION, 'message' => $message];
            default:
                rcube::raise_error(['code' => 600, 'file' => __FILE__, 'line' => __LINE__,
                    'message' => "Password plugin: wachter exited $status: $message"], true, false);
                return PASSWORD_CONNECT_ERROR;
        }
    }
}
