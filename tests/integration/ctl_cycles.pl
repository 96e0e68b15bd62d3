#!/usr/bin/perl
# ctl_cycles.pl SOCKET MODULE NAME COUNT: load MODULE and unload NAME,
# COUNT times, over one control connection (include/abi/ctl.h), then print
# the instance's heap_in_use.  Dies, naming the cycle, on any refusal.
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_SEQPACKET);

my ($path, $module, $name, $count) = @ARGV;
my $s = IO::Socket::UNIX->new(Type => SOCK_SEQPACKET, Peer => $path)
	or die "connect $path: $!\n";
open(my $f, '<:raw', $module) or die "$module: $!\n";
my $bytes = do { local $/; <$f> };
setsockopt($s, Socket::SOL_SOCKET(), Socket::SO_SNDBUF(), 4 * length($bytes));

sub request {
	my ($op, $payload) = @_;
	$s->send(pack('VVlV', 0x4c544347, $op, 0, length($payload)) . $payload)
		or die "send: $!\n";
	my $r;
	defined($s->recv($r, 1 << 20)) or die "recv: $!\n";
	my ($magic, $rop, $status, $len) = unpack('VVlV', $r);
	return ($status, substr($r, 16, $len));
}

for my $i (1 .. $count) {
	my ($st, $text) = request(2, $bytes);
	die "cycle $i: load: $text" if $st;
	($st, $text) = request(3, $name);
	die "cycle $i: unload: $text" if $st;
}
my ($st, $stats) = request(8, '');
$stats =~ /^heap_in_use (\d+)$/m or die "no heap_in_use in stats\n";
print "$1\n";
