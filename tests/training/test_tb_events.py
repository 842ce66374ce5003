"""TensorBoard event files: CRC-32C check values, TFRecord framing, Event/Summary encoding read back."""

import struct

from ned_core.training.tb_events import EventWriter, crc32c, masked_crc32c


def test_crc32c_check_values():
    assert crc32c(b"123456789") == 0xE3069283  # the standard CRC-32C check value
    assert crc32c(b"") == 0
    assert crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720 B.4: 32 bytes of zeros


def _varint(buf, i):
    shift = value = 0
    while True:
        byte = buf[i]
        value |= (byte & 0x7F) << shift
        i += 1
        shift += 7
        if byte < 0x80:
            return value, i


def _fields(buf):
    """Decode protobuf wire format into [(field, wiretype, value)]."""
    out, i = [], 0
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            size, i = _varint(buf, i)
            value, i = buf[i:i + size], i + size
        out.append((field, wire, value))
    return out


def _records(data):
    i, out = 0, []
    while i < len(data):
        (length,) = struct.unpack("<Q", data[i:i + 8])
        assert struct.unpack("<I", data[i + 8:i + 12])[0] == masked_crc32c(data[i:i + 8])
        body = data[i + 12:i + 12 + length]
        assert struct.unpack("<I", data[i + 12 + length:i + 16 + length])[0] == masked_crc32c(body)
        out.append(body)
        i += 16 + length
    return out


def test_written_events_decode_to_the_scalars(tmp_path):
    writer = EventWriter(tmp_path)
    writer.scalars(10, {"train/G/latent_cyc": 0.25, "val/D/ref_real": 1.5})
    writer.scalars(300, {"train/G/latent_cyc": 0.125})
    writer.close()
    assert writer.path.name.startswith("events.out.tfevents.")
    events = [_fields(r) for r in _records(writer.path.read_bytes())]
    assert events[0][2] == (3, 2, b"brain.Event:2")
    steps, scalars = [], {}
    for event in events[1:]:
        fields = {f: v for f, _, v in event}
        steps.append(fields[2])
        assert struct.unpack("<d", fields[1])[0] > 1e9  # wall time in seconds
        for _, _, value in _fields(fields[5]):
            parts = {f: v for f, _, v in _fields(value)}
            scalars.setdefault(parts[1].decode(), []).append(struct.unpack("<f", parts[2])[0])
    assert steps == [10, 300]
    assert scalars == {"train/G/latent_cyc": [0.25, 0.125], "val/D/ref_real": [1.5]}
