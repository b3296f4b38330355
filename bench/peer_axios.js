// The same calls through wechatpay-axios-plugin (npm), for bench/compare:
//   NODE_PATH=PEER_DIR/node_modules node bench/peer_axios.js CLIENT_JSON CALLS
// Public-key mode ({PUB_KEY_ID: public key}) with the sandbox's keys and its base URL as axios'
// baseURL. The plugin signs each request and verifies each answer's signature (an answer that
// does not verify is an error). Prints {"calls","cpu_s","wall_s"} (process.cpuUsage: user +
// system CPU of this process around the calls).
'use strict';

const { readFileSync } = require('fs');
const { Wechatpay } = require('wechatpay-axios-plugin');

const REQUEST = {
  appid: 'wx8888888888888888',
  openid: 'oUpF8uMuAJOM2pxb1Q',
  plan_id: '101164396123311331',
  user_id: '20200330tony',
  period_start_date: '2026-12-19',
  trade_scene: 'EDUCATION_PERIOD',
};

async function main() {
  const [configPath, callsArg] = process.argv.slice(2);
  const calls = Number.parseInt(callsArg, 10);
  if (!configPath || !(calls >= 1)) {
    process.stderr.write('usage: node bench/peer_axios.js CLIENT_JSON CALLS\n');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  const wxpay = new Wechatpay({
    mchid: config.mchid,
    serial: config.merchant_serial_no,
    privateKey: config.merchant_private_key,
    certs: { [config.wechatpay_public_key_id]: config.wechatpay_public_key },
    baseURL: `${config.base_url.replace(/\/$/, '')}/`,
  });
  const call = async () => {
    const { status, data } = await wxpay.v3.eduPapay.contracts.presign.post(REQUEST);
    if (status !== 200 || !data.presign_token) {
      throw new Error(`unexpected answer: ${status} ${JSON.stringify(data)}`);
    }
  };
  await call();
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) {
    await call(); // eslint-disable-line no-await-in-loop
  }
  const used = process.cpuUsage(cpu);
  const wallS = Number(process.hrtime.bigint() - wall) / 1e9;
  process.stdout.write(`${JSON.stringify({ calls, cpu_s: (used.user + used.system) / 1e6, wall_s: wallS })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n${e.response ? JSON.stringify(e.response.data) : ''}\n`);
  process.exit(1);
});
