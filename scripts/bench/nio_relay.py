"""The simplest peer: a matrix-nio bot that relays `!demande <text>` to a volunteers room.

Benchmark only: `entraide-bench` (run by `scripts/bench.sh`) starts it on the throwaway
Synapse and times its relay with the same clients that time entraide's. It does what a
minimal relay bot does and nothing more (no store of requests, no confirmation, no
moderation), the way a typical nio bot is written: `sync_forever` with a long poll, the
callbacks awaited, end-to-end encryption on.

Usage: nio_relay.py HOMESERVER USER_ID PASSWORD VOLUNTEERS_ROOM STORE_DIR
Prints `ready <matrix-nio version>` on stdout once its first sync is done and its keys
are uploaded; stops when its stdin closes.
"""

import asyncio
import importlib.metadata
import os
import sys

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    RoomMessageText,
)

COMMAND = "!demande "


async def main() -> None:
    homeserver, user_id, password, volunteers, store = sys.argv[1:6]
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    client = AsyncClient(homeserver, user_id, store_path=store, config=config)
    login = await client.login(password, device_name="nio-relay")
    if not isinstance(login, LoginResponse):
        sys.exit(f"nio relay: login failed: {login}")

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if room.room_id == volunteers or event.sender == client.user_id:
            return
        if not event.body.startswith(COMMAND):
            return
        text = event.body[len(COMMAND) :].strip()
        who = room.user_name(event.sender) or event.sender
        body = f"Demande de {who} ({room.display_name}) : {text}"
        # A bot that relays to a room of volunteers cannot verify each of their devices.
        await client.room_send(
            volunteers,
            "m.room.message",
            {"msgtype": "m.notice", "body": body},
            ignore_unverified_devices=True,
        )

    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_message, RoomMessageText)

    async def announce() -> None:
        # The first loop of `sync_forever` syncs, then uploads the keys, then sets
        # `synced`: from then on the clients can encrypt to this device.
        await client.synced.wait()
        print(f"ready {importlib.metadata.version('matrix-nio')}", flush=True)

    syncing = asyncio.ensure_future(client.sync_forever(timeout=30_000))
    announcing = asyncio.ensure_future(announce())
    # The benchmark holds this process's stdin: its end means stop.
    stdin_closed = asyncio.ensure_future(asyncio.to_thread(sys.stdin.read))
    done, _ = await asyncio.wait(
        [syncing, stdin_closed], return_when=asyncio.FIRST_COMPLETED
    )
    if syncing in done:
        # The sync loop only ends on an error; the thread reading stdin would keep the
        # process alive, so it goes down at once.
        print(f"nio relay: the sync loop ended: {syncing.exception()!r}", file=sys.stderr)
        os._exit(1)
    syncing.cancel()
    announcing.cancel()
    await client.close()


if __name__ == "__main__":
    asyncio.run(main())
