<?php
// Boots Debian's Roundcube (rcmail) from the command line, logs in over IMAP to the
// test's Dovecot, loads the password plugin, which loads the Wachter driver
// (scripts/examples/roundcube/wachter.php) from the test's plugin directory, and runs
// the plugin's own password_save() as a form post would. Prints the messages the plugin
// shows (display_message) one per line as TYPE<TAB>TEXT.
//
// usage: php roundcube-password.php CONFIG_DIR PLUGINS_DIR USER
//        stdin: the current password, the new password, one per line
// Used by scripts/integration/roundcube only.
$config_dir = $argv[1];
define('INSTALL_PATH', '/usr/share/roundcube/');
define('RCUBE_PLUGINS_DIR', rtrim($argv[2], '/') . '/');
putenv("ROUNDCUBE_CONFIG_DIR=$config_dir");
define('RCMAIL_CONFIG_DIR', $config_dir);
require INSTALL_PATH . 'program/include/iniset.php';

$user = $argv[3];
$current = rtrim(fgets(STDIN), "\n");
$new = rtrim(fgets(STDIN), "\n");

class recording_output extends rcmail_output_cli
{
    public $messages = [];
    function command($cmd, ...$args)
    {
        if ($cmd == 'display_message') {
            $this->messages[] = [$args[1] ?? 'notice', $args[0]];
        }
    }
}

$rcmail = rcmail::get_instance(0, 'cli');
$rcmail->output = new recording_output($rcmail);
// A web request has a client address and a session (kept in Roundcube's database); the
// plugin clears its password expiry in it.
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$rcmail->session_init();
if (!$rcmail->login($user, $current, $rcmail->config->get('imap_host'))) {
    fwrite(STDERR, "roundcube could not log in over IMAP: " . $rcmail->login_error() . "\n");
    exit(2);
}
$rcmail->plugins->load_plugin('password', true);
$plugin = $rcmail->plugins->get_plugin('password');
$_POST = ['_curpasswd' => $current, '_newpasswd' => $new, '_confpasswd' => $new];
$plugin->password_save();
foreach ($rcmail->output->messages as [$type, $text]) {
    echo "$type\t$text\n";
}
