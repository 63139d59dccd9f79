#!/usr/bin/env python3
"""Binds to Tern with the independent Python smpplib client, sends one message and waits for its
delivery receipt. Prints one JSON line: the message id from submit_sm_resp and what the receipt said.

usage: smpplib-client.py HOST PORT SYSTEM_ID PASSWORD
"""
import json
import sys
import time

import smpplib.client
import smpplib.consts
import smpplib.gsm

host, port, system_id, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
result = {"message_ids": [], "receipts": []}

client = smpplib.client.Client(host, port, timeout=10, allow_unknown_opt_params=True)


def on_sent(pdu):
    result["message_ids"].append(pdu.message_id.decode() if isinstance(pdu.message_id, bytes) else pdu.message_id)


def on_delivered(pdu):
    text = pdu.short_message.decode(errors="replace")
    receipted = pdu.receipted_message_id
    if isinstance(receipted, bytes):
        receipted = receipted.decode()
    result["receipts"].append({"text": text, "receipted_message_id": receipted, "message_state": pdu.message_state})
    return 0


client.set_message_sent_handler(on_sent)
client.set_message_received_handler(on_delivered)
client.connect()
client.bind_transceiver(system_id=system_id, password=password)

# A long message, split the way smpplib splits it (UDH parts), then a short one.
sent = 0
for text in ["Hello from smpplib " * 12, "short one"]:
    parts, encoding_flag, msg_type_flag = smpplib.gsm.make_parts(text)
    for part in parts:
        client.send_message(
            source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
            source_addr="smpplib",
            dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
            destination_addr="447700900555",
            short_message=part,
            data_coding=encoding_flag,
            esm_class=msg_type_flag,
            registered_delivery=True,
        )
        sent += 1

deadline = time.time() + 15
while time.time() < deadline and (len(result["message_ids"]) < sent or len(result["receipts"]) < sent):
    try:
        client.read_once(ignore_error_codes=None, auto_send_enquire_link=True)
    except Exception as error:  # a read timeout ends the wait; the caller checks what arrived
        result["error"] = repr(error)
        break

client.unbind()
client.disconnect()
print(json.dumps(result))
