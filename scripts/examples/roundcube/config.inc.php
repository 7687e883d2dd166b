<?php
// plugins/password/config.inc.php: change mailbox passwords through Wachter.
$config['password_driver'] = 'wachter';
// Roundcube's user (www-data) must be in the group wachter to reach the agent's socket.
$config['password_wachter_cmd'] = '/usr/local/bin/wachter hook change-password --agent /run/wachter/agent.sock';
// Wachter checks the current password itself; asking for it again is still good practice.
$config['password_confirm_current'] = true;
// Wachter's policy decides; keep Roundcube's own check at its most lenient.
$config['password_minimum_length'] = 1;
$config['password_minimum_score'] = 0;
