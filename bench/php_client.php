<?php
// PHP's own SoapClient, timed on its own CPU: the reference magesoap is held against.
// php bench/php_client.php WSDL_URL OPERATION ARGS_JSON RUNS  (login first, as a script would)
// Prints JSON: {"cpu_ms": median CPU milliseconds per call}.
[$script, $wsdl, $operation, $argsJson, $runs] = $argv;
$client = new SoapClient($wsdl, ['cache_wsdl' => WSDL_CACHE_MEMORY, 'trace' => 0]);
$session = $client->login('apiuser', 'apikey123');
$args = json_decode($argsJson, true);
$params = array_map(fn($a) => $a === '$session' ? $session : $a, $args);
function cpu(): float { $r = getrusage(); return $r['ru_utime.tv_sec'] * 1e3 + $r['ru_utime.tv_usec'] / 1e3
                                               + $r['ru_stime.tv_sec'] * 1e3 + $r['ru_stime.tv_usec'] / 1e3; }
$times = [];
for ($i = 0; $i < (int)$runs; $i++) {
    $start = cpu();
    $client->__soapCall($operation, $params);
    $times[] = cpu() - $start;
}
sort($times);
echo json_encode(['cpu_ms' => $times[intdiv(count($times), 2)]]), "\n";
