"""The EC2 Query API client. Import `ec2ops.client.query` only where a request is made: it loads httpx."""
